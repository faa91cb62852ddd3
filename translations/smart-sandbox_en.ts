<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ExchangeView</name>
    <message numerus="yes">
        <location filename="../ui/exchangeview.cpp" line="57"/>
        <source>(%n byte(s) of binary data)</source>
        <translation>
            <numerusform>(%n byte of binary data)</numerusform>
            <numerusform>(%n bytes of binary data)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="426"/>
        <source>%n client(s) registered or changed since the start</source>
        <translation>
            <numerusform>%n client registered or changed since the start</numerusform>
            <numerusform>%n clients registered or changed since the start</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="427"/>
        <source>%n token(s), with the approvals they were issued under</source>
        <translation>
            <numerusform>%n token, with the approval it was issued under</numerusform>
            <numerusform>%n tokens, with the approvals they were issued under</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message numerus="yes">
        <location filename="../ui/peoplemodel.cpp" line="107"/>
        <source>%n FHIR resource(s) in this patient&apos;s record</source>
        <translation>
            <numerusform>%n FHIR resource in this patient&apos;s record</numerusform>
            <numerusform>%n FHIR resources in this patient&apos;s record</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="84"/>
        <location filename="../ui/peoplepage.cpp" line="135"/>
        <source>%n patient(s)</source>
        <translation>
            <numerusform>%n patient</numerusform>
            <numerusform>%n patients</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="85"/>
        <location filename="../ui/peoplepage.cpp" line="136"/>
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n user</numerusform>
            <numerusform>%n users</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="190"/>
        <source>%1 (%2): %n FHIR resource(s)</source>
        <translation>
            <numerusform>%1 (%2): %n FHIR resource</numerusform>
            <numerusform>%1 (%2): %n FHIR resources</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="203"/>
        <source>Importing %n file(s)…</source>
        <translation>
            <numerusform>Importing %n file…</numerusform>
            <numerusform>Importing %n files…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="208"/>
        <source>Importing… %n resource(s) so far</source>
        <translation>
            <numerusform>Importing… %n resource so far</numerusform>
            <numerusform>Importing… %n resources so far</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="239"/>
        <source>Imported %n resource(s)</source>
        <translation>
            <numerusform>Imported %n resource</numerusform>
            <numerusform>Imported %n resources</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="241"/>
        <source>%n rejected</source>
        <translation>
            <numerusform>%n rejected</numerusform>
            <numerusform>%n rejected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/peoplepage.cpp" line="243"/>
        <source>%n file(s) could not be read</source>
        <translation>
            <numerusform>%n file could not be read</numerusform>
            <numerusform>%n files could not be read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RequestLogModel</name>
    <message numerus="yes">
        <location filename="../ui/requestlogmodel.cpp" line="128"/>
        <source>%n finding(s):</source>
        <translation>
            <numerusform>%n finding:</numerusform>
            <numerusform>%n findings:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/requestlogmodel.cpp" line="167"/>
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n finding</numerusform>
            <numerusform>%n findings</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SaveScenarioDialog</name>
    <message numerus="yes">
        <location filename="../ui/savescenariodialog.cpp" line="49"/>
        <source>Keep the current fault rules (%n rule(s))</source>
        <translation>
            <numerusform>Keep the current fault rule (%n rule)</numerusform>
            <numerusform>Keep the current fault rules (%n rules)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScenarioModel</name>
    <message numerus="yes">
        <location filename="../ui/scenariomodel.cpp" line="48"/>
        <source>%n rule(s)</source>
        <translation>
            <numerusform>%n rule</numerusform>
            <numerusform>%n rules</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SelfCheckDialog</name>
    <message numerus="yes">
        <location filename="../ui/selfcheckdialog.cpp" line="136"/>
        <source>All %n check(s) passed.</source>
        <translation>
            <numerusform>%n check passed.</numerusform>
            <numerusform>All %n checks passed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/selfcheckdialog.cpp" line="138"/>
        <source>%n of %1 check(s) failed.</source>
        <translation>
            <numerusform>%n of %1 checks failed.</numerusform>
            <numerusform>%n of %1 checks failed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrafficPage</name>
    <message numerus="yes">
        <location filename="../ui/trafficpage.cpp" line="310"/>
        <source>Exported %n request(s) to %1</source>
        <translation>
            <numerusform>Exported %n request to %1</numerusform>
            <numerusform>Exported %n requests to %1</numerusform>
        </translation>
    </message>
</context>
</TS>
